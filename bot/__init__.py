"""Python that runs inside Rasa: Turkish text handling, the gateway channel, CLIs."""
