"""The egenkontroll codes (EK) that the service raises itself, one module each. Importing this
package registers them; ``EK01`` here is the registered rule."""

from checks.egenkontroll.EK01 import EK01, DecisionCheckFacts, ek01_decision_without_check

__all__ = ["EK01", "DecisionCheckFacts", "ek01_decision_without_check"]
