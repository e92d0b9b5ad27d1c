//! NET250 — load balancer listener serving plain HTTP.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An application load balancer listener (`aws_lb_listener`, `aws_alb_listener`,
    /// `AWS::ElasticLoadBalancingV2::Listener`) with protocol `HTTP` — written, or left
    /// out on an application load balancer, whose default it is — whose default actions do
    /// not all redirect to HTTPS (`type = "redirect"` with `redirect { protocol = "HTTPS" }`,
    /// `RedirectConfig.Protocol: HTTPS`); and a classic load balancer listener
    /// (`listener` of `aws_elb`, `Listeners` of `AWS::ElasticLoadBalancing::LoadBalancer`)
    /// with protocol `HTTP`. On Azure, an Application Gateway `http_listener` with protocol
    /// `Http` whose routing rules do not all redirect (`redirect_configuration_name`) to an
    /// `Https` listener or an `https://` URL; on Google Cloud, a
    /// `google_compute_target_http_proxy` whose URL map does not redirect every request
    /// (`default_url_redirect { https_redirect = true }`). Listeners whose protocol or
    /// actions cannot be evaluated, and proxies whose URL map is outside the module, are not
    /// judged.
    /// ## Why it matters
    /// Whatever the load balancer fronts — containers, functions behind a target group —
    /// receives requests, cookies and tokens that crossed the network in clear; anyone on
    /// the path can read or change them. A listener that only redirects to HTTPS carries
    /// nothing but the redirect.
    /// ## Fix
    /// Serve the application on an HTTPS listener with an ACM certificate, and make the
    /// HTTP listener's default action a redirect with `protocol = "HTTPS"` and
    /// `status_code = "HTTP_301"`. On Azure, a `redirect_configuration` with
    /// `target_listener_name` naming the HTTPS listener; on Google Cloud, a URL map with
    /// `default_url_redirect { https_redirect = true }` for the HTTP proxy.
    /// ## References
    /// - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html
    /// - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#redirect-actions
    pub static RULE = {
        id: "NET250", practice: Net, severity: Medium, title: "Load balancer listener serves plain HTTP",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for l in &ctx.platform().lb_listeners {
        let Attr::Set(protocol, _) = &l.protocol else {
            continue;
        };
        if protocol != "HTTP" {
            continue;
        }
        if let Attr::Set(false, _) = l.redirects_to_https {
            out.push(ctx.finding(
                &RULE,
                "load balancer listener serves plain HTTP without redirecting to HTTPS".to_string(),
                l.pos,
                &l.resource,
            ));
        }
    }
}
