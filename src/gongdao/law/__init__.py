"""The law advisor: what the law entitles a consumer to, with amounts, last dates and citations.

``gongdao.law.facts.load_facts`` / ``parse_facts`` validate the facts; ``gongdao.law.advisor.assess``
returns one ``Entitlement`` per code; ``gongdao.law.cli.law`` is the ``gongdao law`` command group.
Pure Python: no models, no database. Around it, for a case: ``casefacts`` (pure) builds a case's
facts and where each came from; ``queries`` reads them from the database; ``actions`` records the
case page's questionnaire answers as case events (docs/law.md, "The panel on the case page").
"""
