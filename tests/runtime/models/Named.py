class Named:
    def class_names(self):
        return ["low", "high"]

    def predict(self, X, names):
        return X
