-- Finite default quotas (issue 14): without a default row every new user and project was
-- unlimited, so one account could take the whole cluster. Per user: 4 concurrent kernels,
-- 8 vCPU, 32 GiB, no GPU; per project: 8 kernels, 16 vCPU (the largest environment the
-- platform allows by default), 64 GiB, no GPU. No monthly budget: compute-unit prices are
-- each site's policy. Rows an admin already set are kept; deleting a default on the quotas
-- page makes it unlimited again, as an explicit choice.
INSERT INTO "quotas" ("scope", "cpu_m", "memory_mib", "gpus", "kernels", "monthly_units") VALUES
	('default_user', 8000, 32768, 0, 4, NULL),
	('default_project', 16000, 65536, 0, 8, NULL)
ON CONFLICT ON CONSTRAINT "quotas_subject_uq" DO NOTHING;
