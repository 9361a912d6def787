#!/usr/bin/env python
"""The example channelkit app: ``python main.py`` synthesizes every stack into ``cdktf.out/``."""

from stacks import build_app

if __name__ == "__main__":
    build_app().synth()
