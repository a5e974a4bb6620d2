"""Min-max scaling with the company's fixed feature ranges."""

__version__ = "1.0.0"

LOW = [0.0, 10.0]
HIGH = [100.0, 20.0]


def scale_row(row):
    """Map each value into [0, 1] using the fixed ranges, clipping outliers."""
    scaled = []
    for value, low, high in zip(row, LOW, HIGH):
        scaled.append(min(1.0, max(0.0, (float(value) - low) / (high - low))))
    return scaled
