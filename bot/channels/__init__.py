"""Channels: how partners reach the assistant (Rasa input/output channels)."""
