"""The duty staff's web console (DESIGN §1, L3): `create_app(services)`, served by ConsoleServer."""
