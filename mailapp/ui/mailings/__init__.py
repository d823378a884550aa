"""The mailings page: the list, the editor, the start and stop dialogs,
scheduling, the test email and analytics.
"""
