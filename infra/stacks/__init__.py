"""CDK stacks of the exam results service."""
