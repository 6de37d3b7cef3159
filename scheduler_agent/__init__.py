"""scheduler-agent: a scheduling agent with its own mailbox and calendar."""

__version__ = "0.1.0"
