"""Local Docker images of the test services, built from Debian packages (see ``build``)."""
