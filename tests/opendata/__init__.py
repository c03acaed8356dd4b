"""Open data: downloads, the OParl 1.1 feed and the meeting calendars."""
