"""The Spark session of a Lattice Spark environment's kernel.

ipykernel runs this file in the user namespace before the kernel answers its first request
(`--IPKernelApp.exec_files`, see server/spark/spark-conf.ts), so a Spark kernel is ready only
once `spark` (a SparkSession) and `sc` (its SparkContext) are. The Spark properties come from
the gateway in LATTICE_SPARK_CONF (JSON); in a pod, LATTICE_POD_IP (downward API) becomes
`spark.driver.host`, the address executors call back. A session that cannot be built ends the
kernel with the error in its log: a Spark kernel without Spark would look ready and fail at
the first cell instead.

Kernel images hold a copy at /opt/lattice/lattice-spark-startup.py.
"""


def _lattice_spark_session():
    import atexit
    import json
    import os
    import sys
    import traceback

    conf = json.loads(os.environ["LATTICE_SPARK_CONF"])
    pod_ip = os.environ.get("LATTICE_POD_IP")
    if pod_ip:
        conf["spark.driver.host"] = pod_ip
    # Executors start Python workers with the driver's interpreter: the same image, or this host.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        from pyspark.sql import SparkSession

        builder = SparkSession.builder
        for key, value in conf.items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    # A kernel shut down politely ends its Spark application (executors released) before exiting.
    atexit.register(session.stop)
    return session


spark = _lattice_spark_session()
sc = spark.sparkContext
del _lattice_spark_session
