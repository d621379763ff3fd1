"""In-document coreference: a mention-ranking model on frozen MiniLM token states (see docs/coref.md)."""
