"""One class with every Seldon method, for comparing reply meta route by route."""


class PathUnit:
    def predict(self, X, names, meta=None):
        return X

    def transform_input(self, X, names, meta=None):
        return X

    def transform_output(self, X, names, meta=None):
        return X

    def route(self, X, names, meta=None):
        return 0

    def aggregate(self, features_list, feature_names_list):
        return features_list[0]

    def send_feedback(self, features, feature_names, reward, truth, routing=None):
        return [[reward]]

    def health_status(self):
        return [[1]]

    def tags(self):
        return {"unit": "path"}

    def metrics(self):
        return [{"type": "COUNTER", "key": "path_calls", "value": 1}]
