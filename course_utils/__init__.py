"""Plumbing for the "CNNs, hands-on" course: data, environment, plots, timing, exercise checks.

Import the submodule you need (``from course_utils import data, env``); nothing
heavy such as TensorFlow is imported here.
"""

__version__ = "0.2.0"
