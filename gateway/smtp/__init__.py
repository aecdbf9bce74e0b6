"""The SMTP layer: the aiosmtpd server, the envelope, and the pipeline that turns outcomes into replies.

Only this package imports aiosmtpd.
"""
