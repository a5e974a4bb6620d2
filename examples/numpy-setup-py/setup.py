from setuptools import setup

setup(
    name="linear-model",
    version="0.1.0",
    description="A numpy-only linear model served with Seldon",
    py_modules=["LinearModel"],
    install_requires=["numpy>=1.21"],
    python_requires=">=3.8",
)
