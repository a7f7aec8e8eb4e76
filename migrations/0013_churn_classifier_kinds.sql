-- Churn models may alternate between binary classifiers: `lifecycle train churn --model
-- logistic|gbt` stores every kind as a version of `churn`, so one alias (`production`) and one
-- `models compare churn` table cover them all. Any other model name still keeps one kind.
DROP TRIGGER model_snapshots_one_kind;

CREATE TRIGGER model_snapshots_one_kind BEFORE INSERT ON model_snapshots
WHEN EXISTS (
    SELECT 1 FROM model_snapshots
    WHERE name = NEW.name AND kind <> NEW.kind
      AND NOT (kind IN ('logistic_regression', 'gradient_boosted_trees')
               AND NEW.kind IN ('logistic_regression', 'gradient_boosted_trees')))
BEGIN
    SELECT RAISE(ABORT, 'model_snapshots: every version of a model name must have the same kind (binary classifiers may alternate)');
END;
