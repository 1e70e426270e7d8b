-- V040: the day a statutory period's last day moves to under lag (1930:173), kept beside the
-- calendar day.
--
-- Why: a period in months that ends on a Saturday, Sunday, public holiday, midsommarafton,
-- julafton or nyårsafton ends on the next weekday under the act. Whether the act applies to the
-- nämnd's own time limits (övervägande every six months, three months to enforce a decision) is not
-- settled, so the service counts the calendar day as due (due_on, the cautious reading) and stores
-- and shows the rolled day where it differs. NULL: the same day, or not a statutory period.
ALTER TABLE obligation_state
    ADD COLUMN rolled_due_on date,
    ADD CONSTRAINT obligation_state_rolled_after_due CHECK (rolled_due_on > due_on);
