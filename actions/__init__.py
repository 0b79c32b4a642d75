"""Custom actions of the support bot, one module per topic; served by rasa-sdk's action server."""
