"""The application's data, installed as ``mailapp.resources``: the compiled
translations, the icon and the sample contacts (see ``mailapp.assets``)."""
