"""Alert rule kinds. Importing this package registers every kind (alerts.registry): a new rule
type is one module in this package that defines its alerts.yaml schema and behaviour and registers
itself; every module here is imported below."""
import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):  # each rule module registers its kind on import
    importlib.import_module(f"{__name__}.{_module.name}")
