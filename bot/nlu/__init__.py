"""Natural-language understanding: language detection, Rasa components and quantities."""
