"""G2: a fresh process imports and instantiates one AWS resource.

    python benchmarks/g2_import.py channelkit   # generated binding
    python benchmarks/g2_import.py prebuilt     # cdktf-cdktf-provider-aws
    python benchmarks/g2_import.py cdktf        # baseline: import cdktf, make an app and a stack
"""

from __future__ import annotations

import os
import sys
import tempfile

# Same jsii settings for every variant (channelkit sets these itself on import).
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")


def main(via: str) -> None:
    """Import the CDK (and a binding), build an app, a stack and one S3 bucket."""
    if via == "channelkit":
        from channelkit._cdk import cdk
        from channelkit.providers.aws import S3Bucket

        app = cdk.App(outdir=tempfile.mkdtemp())
        S3Bucket(cdk.TerraformStack(app, "s"), "b", bucket="x")
    elif via == "prebuilt":
        import cdktf
        from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket as PrebuiltS3Bucket

        app = cdktf.App(outdir=tempfile.mkdtemp())
        PrebuiltS3Bucket(cdktf.TerraformStack(app, "s"), "b", bucket="x")
    elif via == "cdktf":
        import cdktf

        cdktf.TerraformStack(cdktf.App(outdir=tempfile.mkdtemp()), "s")
    else:
        raise SystemExit(f"unknown variant {via!r}")


if __name__ == "__main__":
    main(sys.argv[1])
