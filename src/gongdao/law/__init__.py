"""The law advisor: what the law entitles a consumer to, with amounts, last dates and citations.

``gongdao.law.facts.load_facts`` / ``parse_facts`` validate the facts; ``gongdao.law.advisor.assess``
returns one ``Entitlement`` per code; ``gongdao.law.cli.law`` is the ``gongdao law`` command group.
Pure Python: no models, no database.
"""
