"""A small package holding the model; see churn/models/scorer.py."""
