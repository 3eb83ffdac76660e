"""Conversation logic shared by the Rasa actions: turning a user turn into fact changes and replies."""
