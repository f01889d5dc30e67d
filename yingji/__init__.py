"""Yingji (应急): a township's petition-work emergency response plan, run as software."""

__version__ = "0.1.0"
