"""The running process: configuration, the runtime, its HTTP server, logs, metrics and the command line."""
