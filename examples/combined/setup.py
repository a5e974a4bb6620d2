from setuptools import find_packages, setup

setup(
    name="irisfeatures",
    version="0.1.0",
    description="Feature engineering shared by the combined example model",
    packages=find_packages(include=["irisfeatures", "irisfeatures.*"]),
    install_requires=["numpy>=1.21"],
)
