// Package sigv4 signs HTTP requests to AWS with Signature Version 4 and
// finds what a signature needs: credentials (environment, shared files,
// credential_process, container and EC2 instance metadata), the region and
// the service endpoint, the way the AWS CLI and SDKs do, minus SSO and
// assumed roles.
//
// It exists so that the station binary speaks to SNS without linking the
// AWS SDK, whose package initialisation cost every serialgate process about
// an eighth of its start-up CPU.
package sigv4
