"""Microsoft Teams: how partners reach the assistant in Teams."""
