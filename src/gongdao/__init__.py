"""Gongdao (公道): online dispute resolution for e-commerce consumer complaints."""

__version__ = "0.1.0"
