"""Synth: N generated AWS resources against the same N through the prebuilt provider classes.

    python benchmarks/synth_resources.py channelkit 1000 OUTDIR
    python benchmarks/synth_resources.py prebuilt 1000 OUTDIR

Each unit is an S3 bucket, its versioning and an IAM role whose name refers to the
bucket (so a third of the attributes are references); prints phase timings to stderr.
"""

from __future__ import annotations

import os
import sys
import time

# Same jsii settings for every variant (channelkit sets these itself on import).
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")


def build(via: str, count: int, outdir: str) -> None:
    """Build ``count`` resources (in units of three) in one stack and synthesize it."""
    started = time.perf_counter()
    if via == "channelkit":
        from channelkit._cdk import cdk
        from channelkit.providers.aws import AwsProvider, IamRole, S3Bucket, S3BucketVersioning
        from channelkit.providers.aws.s3_bucket_versioning import (
            S3BucketVersioningVersioningConfiguration as Versioning,
        )
    else:
        import cdktf as cdk
        from cdktf_cdktf_provider_aws.iam_role import IamRole
        from cdktf_cdktf_provider_aws.provider import AwsProvider
        from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
        from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA as S3BucketVersioning
        from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
            S3BucketVersioningVersioningConfiguration as Versioning,
        )
    imported = time.perf_counter()
    app = cdk.App(outdir=outdir)
    stack = cdk.TerraformStack(app, "bench")
    AwsProvider(stack, "aws", region="eu-west-1")
    policy = '{"Version":"2012-10-17","Statement":[]}'
    for i in range(count // 3):
        bucket = S3Bucket(stack, f"b{i}", bucket=f"bench-bucket-{i}", tags={"n": str(i)})
        S3BucketVersioning(stack, f"v{i}", bucket=bucket.id,
                           versioning_configuration=Versioning(status="Enabled"))
        IamRole(stack, f"r{i}", name=f"role-{i}", assume_role_policy=policy, description=bucket.arn)
    built = time.perf_counter()
    app.synth()
    done = time.perf_counter()
    print(f"{via}: import {imported - started:.2f}s build {built - imported:.2f}s synth {done - built:.2f}s",
          file=sys.stderr)


if __name__ == "__main__":
    build(sys.argv[1], int(sys.argv[2]), sys.argv[3])
