"""The action server: thin Rasa adapters over the pure code in triage/ and knowledge/."""
