"""User profiles (interest portraits built from behaviour) and the streamer's audience view."""
