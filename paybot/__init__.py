"""Domain logic of the payment-support bot: settings, the support guide, business hours, privacy."""
