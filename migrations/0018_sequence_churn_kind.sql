-- The sequence churn model (`lifecycle train churn --model sequence`, kind gru_sequence) is a
-- version of `churn` like logistic regression and boosted trees, so it alternates with them
-- under one name, one `production` alias and one `models compare churn` table. Any other
-- model name still keeps one kind.
DROP TRIGGER model_snapshots_one_kind;

CREATE TRIGGER model_snapshots_one_kind BEFORE INSERT ON model_snapshots
WHEN EXISTS (
    SELECT 1 FROM model_snapshots
    WHERE name = NEW.name AND kind <> NEW.kind
      AND NOT (kind IN ('logistic_regression', 'gradient_boosted_trees', 'gru_sequence')
               AND NEW.kind IN ('logistic_regression', 'gradient_boosted_trees', 'gru_sequence')))
BEGIN
    SELECT RAISE(ABORT, 'model_snapshots: every version of a model name must have the same kind (binary classifiers may alternate)');
END;
