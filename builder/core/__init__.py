"""Pure: the schema, conditions, engine, budget, schedule, risks, review rules and wording. No I/O."""
