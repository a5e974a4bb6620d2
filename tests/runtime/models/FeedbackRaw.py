"""send_feedback_raw written for seldon-core: it reads the Feedback message's fields."""


class FeedbackRaw:
    def predict(self, X, features_names=None):
        return X

    def send_feedback_raw(self, feedback):
        reply = type(feedback.request)()
        truth = list(feedback.truth.data.tensor.values)
        reply.strData = f"reward={feedback.reward} truth={truth} kind={type(feedback).__name__}"
        return reply
