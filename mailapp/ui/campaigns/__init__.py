"""The campaigns page: the list, the editor and the flow diagram."""
