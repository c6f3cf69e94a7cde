"""Use cases shared by conversations, the scheduler, the command line and the web page
(DESIGN.md, "Layout"): a service never imports a conversation."""
