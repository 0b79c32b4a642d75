"""The customer chat page (botfront's rasa-webchat on Rasa's socket.io channel) and its small server."""
