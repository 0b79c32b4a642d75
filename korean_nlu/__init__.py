"""Korean-language NLU components for the payment-support bot: tokenizer, entity extraction."""
