"""Only the optional native extension lives here; everything else is in pyproject.toml.

`pipeline._native` holds the hot loops of segmentation and of the models' n-gram lookup
(pipeline/segment.py, pipeline/sentiment.py). It is optional: without a C compiler the install
still succeeds and both modules run their pure-Python paths, which give the same results."""
from setuptools import Extension, setup

setup(ext_modules=[Extension("pipeline._native", ["pipeline/_native.c"], optional=True,
                             extra_compile_args=["-O2"])])
