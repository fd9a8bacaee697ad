#!/usr/bin/env python3
"""Bucket chores for Scripts/bench/storage.sh through s3fs (endpoint and keys from the
environment: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).

    s3util.py upload BUCKET/PREFIX FILE...   make the bucket if needed, put the files under PREFIX
    s3util.py download BUCKET/PREFIX DIR     copy the objects directly under PREFIX into DIR
    s3util.py remove BUCKET/PREFIX           delete everything under PREFIX
"""
import os, sys
import s3fs

def main() -> int:
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": os.environ["AWS_ENDPOINT_URL"],
                                          "region_name": os.environ.get("AWS_REGION", "us-east-1")})
    command, where = sys.argv[1], sys.argv[2].rstrip("/")
    if command == "upload":
        bucket = where.split("/")[0]
        if not fs.exists(bucket):
            fs.mkdir(bucket)
        for path in sys.argv[3:]:
            fs.put_file(path, f"{where}/{os.path.basename(path)}")
    elif command == "download":
        os.makedirs(sys.argv[3], exist_ok=True)
        for key in fs.ls(where, refresh=True):
            if fs.isfile(key):
                fs.get_file(key, os.path.join(sys.argv[3], os.path.basename(key)))
    elif command == "remove":
        if fs.exists(where):
            fs.rm(where, recursive=True)
    return 0

if __name__ == "__main__":
    sys.exit(main())
