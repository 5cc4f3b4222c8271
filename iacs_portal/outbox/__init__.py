"""The local mail outbox: in development every email is written to a file and read in the browser."""
