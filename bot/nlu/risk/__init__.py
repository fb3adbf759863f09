"""The risk step: who is in danger, how soon, and how sure we are. facts.py reads the facts from
the words, rules.py applies the safeguarding rules in rules.yml, assess.py combines them with the
learned model's score. No Rasa, no HTTP."""
