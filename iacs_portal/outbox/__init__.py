"""Mail: the record of every email sent (models, admin) and, in development, the file outbox."""
