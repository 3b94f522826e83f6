"""GraphQL: product recognition in the live (``app.recognition``)."""
