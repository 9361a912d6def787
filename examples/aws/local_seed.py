"""What the example assumes already exists in the account, created on a local endpoint only.

``channelkit deploy --local`` and the tests run ``python local_seed.py ENDPOINT_URL`` before the
apply: it creates the ``analyst`` role the example grants read access to. Idempotent.
"""

from __future__ import annotations

import json
import sys

import boto3

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                   "Action": "sts:AssumeRole"}],
}


def seed(endpoint_url: str) -> None:
    """Create the analyst role (if missing) on the endpoint."""
    iam = boto3.client("iam", endpoint_url=endpoint_url, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    try:
        iam.get_role(RoleName="analyst")
    except iam.exceptions.NoSuchEntityException:
        iam.create_role(RoleName="analyst", AssumeRolePolicyDocument=json.dumps(TRUST))


if __name__ == "__main__":
    seed(sys.argv[1])
