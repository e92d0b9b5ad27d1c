//! Every built-in secret detector, one file per rule. Generated layout: each file holds
//! the rule's documentation and its detector; this list is the registry.

use crate::detector::Detector;

mod sec001_aws_access_key_id;
mod sec002_aws_secret_access_key;
mod sec003_aws_session_token;
mod sec004_aws_mws_key;
mod sec005_aws_bedrock_api_key;
mod sec006_gcp_service_account_key;
mod sec007_gcp_api_key;
mod sec008_gcp_oauth_client_secret;
mod sec009_gcp_oauth_access_token;
mod sec010_azure_storage_account_key;
mod sec011_azure_shared_access_key;
mod sec012_azure_sas_token;
mod sec013_azure_ad_client_secret;
mod sec014_azure_devops_pat;
mod sec015_github_pat;
mod sec016_github_oauth;
mod sec017_github_user_to_server;
mod sec018_github_app_installation;
mod sec019_github_refresh;
mod sec020_github_fine_grained_pat;
mod sec021_gitlab_pat;
mod sec022_gitlab_pipeline_trigger_token;
mod sec023_gitlab_runner_token;
mod sec024_gitlab_runner_registration_token;
mod sec025_gitlab_cicd_job_token;
mod sec026_gitlab_incoming_mail_token;
mod sec027_gitlab_agent_token;
mod sec028_gitlab_oauth_app_secret;
mod sec029_gitlab_deploy_token;
mod sec030_gitlab_feed_token;
mod sec031_gitlab_scim_token;
mod sec032_bitbucket_app_password;
mod sec033_bitbucket_client_secret;
mod sec034_atlassian_api_token;
mod sec035_atlassian_legacy_api_token;
mod sec036_slack_bot_token;
mod sec037_slack_user_token;
mod sec038_slack_app_token;
mod sec039_slack_config_token;
mod sec040_slack_legacy_token;
mod sec041_slack_webhook_url;
mod sec042_stripe_live_secret_key;
mod sec043_stripe_test_secret_key;
mod sec044_stripe_webhook_secret;
mod sec045_square_access_token;
mod sec046_square_oauth_secret;
mod sec047_braintree_access_token;
mod sec048_shippo_api_token;
mod sec049_twilio_api_key;
mod sec050_twilio_auth_token;
mod sec051_sendgrid_api_key;
mod sec052_mailgun_private_key;
mod sec053_mailgun_signing_key;
mod sec054_mailchimp_api_key;
mod sec055_telegram_bot_token;
mod sec056_discord_bot_token;
mod sec057_discord_webhook_url;
mod sec058_discord_client_secret;
mod sec059_shopify_access_token;
mod sec060_shopify_custom_app_token;
mod sec061_shopify_private_app_token;
mod sec062_shopify_shared_secret;
mod sec063_npm_access_token;
mod sec064_npmrc_auth_token;
mod sec065_pypi_upload_token;
mod sec066_rubygems_api_key;
mod sec067_nuget_api_key;
mod sec068_docker_hub_pat;
mod sec069_docker_hub_org_token;
mod sec070_docker_config_auth;
mod sec071_artifactory_api_key;
mod sec072_artifactory_reference_token;
mod sec073_vault_service_token;
mod sec074_vault_batch_token;
mod sec075_vault_legacy_token;
mod sec076_terraform_cloud_token;
mod sec077_kubeconfig_client_key;
mod sec078_kubeconfig_bearer_token;
mod sec079_jwt;
mod sec080_rsa_private_key;
mod sec081_ec_private_key;
mod sec082_dsa_private_key;
mod sec083_openssh_private_key;
mod sec084_pgp_private_key;
mod sec085_pkcs8_private_key;
mod sec086_encrypted_private_key;
mod sec087_postgres_url;
mod sec088_mysql_url;
mod sec089_mongodb_url;
mod sec090_redis_url;
mod sec091_amqp_url;
mod sec092_url_basic_auth;
mod sec093_sidekiq_credentials;
mod sec094_curl_user_password;
mod sec095_curl_auth_header;
mod sec096_openai_api_key;
mod sec097_openai_project_key;
mod sec098_anthropic_api_key;
mod sec099_anthropic_admin_key;
mod sec100_huggingface_token;
mod sec101_huggingface_org_token;
mod sec102_groq_api_key;
mod sec103_perplexity_api_key;
mod sec104_xai_api_key;
mod sec105_replicate_api_token;
mod sec106_datadog_api_key;
mod sec107_datadog_app_key;
mod sec108_newrelic_user_api_key;
mod sec109_newrelic_license_key;
mod sec110_newrelic_insert_key;
mod sec111_newrelic_browser_key;
mod sec112_sentry_org_token;
mod sec113_sentry_user_token;
mod sec114_pagerduty_api_key;
mod sec115_grafana_cloud_token;
mod sec116_grafana_service_account_token;
mod sec117_grafana_api_key;
mod sec118_dynatrace_api_token;
mod sec119_sumologic_access_key;
mod sec120_heroku_api_key;
mod sec121_heroku_api_key_v2;
mod sec122_digitalocean_pat;
mod sec123_digitalocean_oauth_token;
mod sec124_digitalocean_refresh_token;
mod sec125_cloudflare_api_token;
mod sec126_cloudflare_global_api_key;
mod sec127_cloudflare_origin_ca_key;
mod sec128_okta_api_token;
mod sec129_databricks_token;
mod sec130_doppler_token;
mod sec131_pulumi_access_token;
mod sec132_planetscale_token;
mod sec133_planetscale_password;
mod sec134_flyio_token;
mod sec135_vercel_token;
mod sec136_netlify_token;
mod sec137_linear_api_key;
mod sec138_notion_token;
mod sec139_postman_api_key;
mod sec140_figma_token;
mod sec141_hubspot_private_app_token;
mod sec142_alibaba_access_key_id;
mod sec143_alibaba_access_key_secret;
mod sec144_facebook_page_access_token;
mod sec145_facebook_app_token;
mod sec146_intra42_client_secret;
mod sec147_sourcegraph_token;
mod sec148_octopus_deploy_api_key;
mod sec149_age_secret_key;
mod sec150_onepassword_service_account_token;
mod sec151_algolia_admin_key;
mod sec152_contentful_token;
mod sec153_easypost_api_key;
mod sec154_lob_api_key;
mod sec155_mapbox_secret_token;
mod sec156_prefect_api_key;
mod sec157_readme_api_key;
mod sec158_rapidapi_key;
mod sec159_airtable_pat;
mod sec160_asana_pat;
mod sec161_dropbox_token;
mod sec162_sonarqube_token;
mod sec163_supabase_service_key;
mod sec164_tailscale_key;
mod sec165_ngrok_token;
mod sec166_jfrog_identity_token;
mod sec167_circleci_token;
mod sec168_travisci_token;
mod sec169_gitter_token;
mod sec170_zendesk_token;
mod sec171_mattermost_token;
mod sec172_snyk_token;
mod sec173_firebase_fcm_server_key;
mod sec174_clojars_token;
mod sec175_defined_networking_token;
mod sec176_private_key_base64_pem;
mod sec177_cloudflare_prefixed_token;
mod sec178_docker_swarm_join_token;
mod sec179_docker_swarm_unlock_key;
mod sec180_bitbucket_data_center_token;
mod sec181_gitlab_other_token;
mod sec182_gitlab_session_cookie;
mod sec183_brevo_api_key;
mod sec184_sql_password;
mod sec185_command_line_secret;
mod sec186_powershell_secure_string;
mod sec187_libcurl_option_secret;
mod sec188_posthog_api_key;
mod sec189_json_web_key_private;
mod sec190_generic_secret_assignment;
mod sec191_salesforce_token;
mod sec192_together_ai_key;
mod sec193_tavily_api_key;
mod sec194_llamacloud_api_key;
mod sec195_x_bearer_token;
mod sec196_instagram_access_token;
mod sec197_nats_nkey_seed;
mod sec198_dropbox_long_lived_token;
mod sec199_ntlm_authenticate_message;
mod sec211_discord_bot_token_shape;

// CredSweeper-corpus providers and formats.
mod sec220_akamai_edgegrid_token;
mod sec221_deepseek_api_key;
mod sec222_wundergraph_cosmo_api_key;
mod sec223_azure_identifiable_api_key;
mod sec224_github_app_installation_jwt_token;
mod sec225_secret_environment_fallback;
mod sec226_xml_element_secret;
mod sec227_private_key_inside_base64_document;
mod sec228_json_web_key_inside_base64;
mod sec229_google_oauth_legacy_client_secret;
mod sec230_der_private_key_base64;
mod sec231_otp_seed;

/// All built-in detectors in rule-id order.
/// The generic assignment rule's detector, for judgements made on whole values.
pub(crate) fn generic_detector() -> &'static Detector {
    &sec190_generic_secret_assignment::DETECTOR
}

pub(crate) static DETECTORS: &[&Detector] = &[
    &sec001_aws_access_key_id::DETECTOR,
    &sec002_aws_secret_access_key::DETECTOR,
    &sec003_aws_session_token::DETECTOR,
    &sec004_aws_mws_key::DETECTOR,
    &sec005_aws_bedrock_api_key::DETECTOR,
    &sec006_gcp_service_account_key::DETECTOR,
    &sec007_gcp_api_key::DETECTOR,
    &sec008_gcp_oauth_client_secret::DETECTOR,
    &sec009_gcp_oauth_access_token::DETECTOR,
    &sec010_azure_storage_account_key::DETECTOR,
    &sec011_azure_shared_access_key::DETECTOR,
    &sec012_azure_sas_token::DETECTOR,
    &sec013_azure_ad_client_secret::DETECTOR,
    &sec014_azure_devops_pat::DETECTOR,
    &sec015_github_pat::DETECTOR,
    &sec016_github_oauth::DETECTOR,
    &sec017_github_user_to_server::DETECTOR,
    &sec018_github_app_installation::DETECTOR,
    &sec019_github_refresh::DETECTOR,
    &sec020_github_fine_grained_pat::DETECTOR,
    &sec021_gitlab_pat::DETECTOR,
    &sec022_gitlab_pipeline_trigger_token::DETECTOR,
    &sec023_gitlab_runner_token::DETECTOR,
    &sec024_gitlab_runner_registration_token::DETECTOR,
    &sec025_gitlab_cicd_job_token::DETECTOR,
    &sec026_gitlab_incoming_mail_token::DETECTOR,
    &sec027_gitlab_agent_token::DETECTOR,
    &sec028_gitlab_oauth_app_secret::DETECTOR,
    &sec029_gitlab_deploy_token::DETECTOR,
    &sec030_gitlab_feed_token::DETECTOR,
    &sec031_gitlab_scim_token::DETECTOR,
    &sec032_bitbucket_app_password::DETECTOR,
    &sec033_bitbucket_client_secret::DETECTOR,
    &sec034_atlassian_api_token::DETECTOR,
    &sec035_atlassian_legacy_api_token::DETECTOR,
    &sec036_slack_bot_token::DETECTOR,
    &sec037_slack_user_token::DETECTOR,
    &sec038_slack_app_token::DETECTOR,
    &sec039_slack_config_token::DETECTOR,
    &sec040_slack_legacy_token::DETECTOR,
    &sec041_slack_webhook_url::DETECTOR,
    &sec042_stripe_live_secret_key::DETECTOR,
    &sec043_stripe_test_secret_key::DETECTOR,
    &sec044_stripe_webhook_secret::DETECTOR,
    &sec045_square_access_token::DETECTOR,
    &sec046_square_oauth_secret::DETECTOR,
    &sec047_braintree_access_token::DETECTOR,
    &sec048_shippo_api_token::DETECTOR,
    &sec049_twilio_api_key::DETECTOR,
    &sec050_twilio_auth_token::DETECTOR,
    &sec051_sendgrid_api_key::DETECTOR,
    &sec052_mailgun_private_key::DETECTOR,
    &sec053_mailgun_signing_key::DETECTOR,
    &sec054_mailchimp_api_key::DETECTOR,
    &sec055_telegram_bot_token::DETECTOR,
    &sec056_discord_bot_token::DETECTOR,
    &sec057_discord_webhook_url::DETECTOR,
    &sec058_discord_client_secret::DETECTOR,
    &sec059_shopify_access_token::DETECTOR,
    &sec060_shopify_custom_app_token::DETECTOR,
    &sec061_shopify_private_app_token::DETECTOR,
    &sec062_shopify_shared_secret::DETECTOR,
    &sec063_npm_access_token::DETECTOR,
    &sec064_npmrc_auth_token::DETECTOR,
    &sec065_pypi_upload_token::DETECTOR,
    &sec066_rubygems_api_key::DETECTOR,
    &sec067_nuget_api_key::DETECTOR,
    &sec068_docker_hub_pat::DETECTOR,
    &sec069_docker_hub_org_token::DETECTOR,
    &sec070_docker_config_auth::DETECTOR,
    &sec071_artifactory_api_key::DETECTOR,
    &sec072_artifactory_reference_token::DETECTOR,
    &sec073_vault_service_token::DETECTOR,
    &sec074_vault_batch_token::DETECTOR,
    &sec075_vault_legacy_token::DETECTOR,
    &sec076_terraform_cloud_token::DETECTOR,
    &sec077_kubeconfig_client_key::DETECTOR,
    &sec078_kubeconfig_bearer_token::DETECTOR,
    &sec079_jwt::DETECTOR,
    &sec080_rsa_private_key::DETECTOR,
    &sec081_ec_private_key::DETECTOR,
    &sec082_dsa_private_key::DETECTOR,
    &sec083_openssh_private_key::DETECTOR,
    &sec084_pgp_private_key::DETECTOR,
    &sec085_pkcs8_private_key::DETECTOR,
    &sec086_encrypted_private_key::DETECTOR,
    &sec087_postgres_url::DETECTOR,
    &sec088_mysql_url::DETECTOR,
    &sec089_mongodb_url::DETECTOR,
    &sec090_redis_url::DETECTOR,
    &sec091_amqp_url::DETECTOR,
    &sec092_url_basic_auth::DETECTOR,
    &sec093_sidekiq_credentials::DETECTOR,
    &sec094_curl_user_password::DETECTOR,
    &sec095_curl_auth_header::DETECTOR,
    &sec096_openai_api_key::DETECTOR,
    &sec097_openai_project_key::DETECTOR,
    &sec098_anthropic_api_key::DETECTOR,
    &sec099_anthropic_admin_key::DETECTOR,
    &sec100_huggingface_token::DETECTOR,
    &sec101_huggingface_org_token::DETECTOR,
    &sec102_groq_api_key::DETECTOR,
    &sec103_perplexity_api_key::DETECTOR,
    &sec104_xai_api_key::DETECTOR,
    &sec105_replicate_api_token::DETECTOR,
    &sec106_datadog_api_key::DETECTOR,
    &sec107_datadog_app_key::DETECTOR,
    &sec108_newrelic_user_api_key::DETECTOR,
    &sec109_newrelic_license_key::DETECTOR,
    &sec110_newrelic_insert_key::DETECTOR,
    &sec111_newrelic_browser_key::DETECTOR,
    &sec112_sentry_org_token::DETECTOR,
    &sec113_sentry_user_token::DETECTOR,
    &sec114_pagerduty_api_key::DETECTOR,
    &sec115_grafana_cloud_token::DETECTOR,
    &sec116_grafana_service_account_token::DETECTOR,
    &sec117_grafana_api_key::DETECTOR,
    &sec118_dynatrace_api_token::DETECTOR,
    &sec119_sumologic_access_key::DETECTOR,
    &sec120_heroku_api_key::DETECTOR,
    &sec121_heroku_api_key_v2::DETECTOR,
    &sec122_digitalocean_pat::DETECTOR,
    &sec123_digitalocean_oauth_token::DETECTOR,
    &sec124_digitalocean_refresh_token::DETECTOR,
    &sec125_cloudflare_api_token::DETECTOR,
    &sec126_cloudflare_global_api_key::DETECTOR,
    &sec127_cloudflare_origin_ca_key::DETECTOR,
    &sec128_okta_api_token::DETECTOR,
    &sec129_databricks_token::DETECTOR,
    &sec130_doppler_token::DETECTOR,
    &sec131_pulumi_access_token::DETECTOR,
    &sec132_planetscale_token::DETECTOR,
    &sec133_planetscale_password::DETECTOR,
    &sec134_flyio_token::DETECTOR,
    &sec135_vercel_token::DETECTOR,
    &sec136_netlify_token::DETECTOR,
    &sec137_linear_api_key::DETECTOR,
    &sec138_notion_token::DETECTOR,
    &sec139_postman_api_key::DETECTOR,
    &sec140_figma_token::DETECTOR,
    &sec141_hubspot_private_app_token::DETECTOR,
    &sec142_alibaba_access_key_id::DETECTOR,
    &sec143_alibaba_access_key_secret::DETECTOR,
    &sec144_facebook_page_access_token::DETECTOR,
    &sec145_facebook_app_token::DETECTOR,
    &sec146_intra42_client_secret::DETECTOR,
    &sec147_sourcegraph_token::DETECTOR,
    &sec148_octopus_deploy_api_key::DETECTOR,
    &sec149_age_secret_key::DETECTOR,
    &sec150_onepassword_service_account_token::DETECTOR,
    &sec151_algolia_admin_key::DETECTOR,
    &sec152_contentful_token::DETECTOR,
    &sec153_easypost_api_key::DETECTOR,
    &sec154_lob_api_key::DETECTOR,
    &sec155_mapbox_secret_token::DETECTOR,
    &sec156_prefect_api_key::DETECTOR,
    &sec157_readme_api_key::DETECTOR,
    &sec158_rapidapi_key::DETECTOR,
    &sec159_airtable_pat::DETECTOR,
    &sec160_asana_pat::DETECTOR,
    &sec161_dropbox_token::DETECTOR,
    &sec162_sonarqube_token::DETECTOR,
    &sec163_supabase_service_key::DETECTOR,
    &sec164_tailscale_key::DETECTOR,
    &sec165_ngrok_token::DETECTOR,
    &sec166_jfrog_identity_token::DETECTOR,
    &sec167_circleci_token::DETECTOR,
    &sec168_travisci_token::DETECTOR,
    &sec169_gitter_token::DETECTOR,
    &sec170_zendesk_token::DETECTOR,
    &sec171_mattermost_token::DETECTOR,
    &sec172_snyk_token::DETECTOR,
    &sec173_firebase_fcm_server_key::DETECTOR,
    &sec174_clojars_token::DETECTOR,
    &sec175_defined_networking_token::DETECTOR,
    &sec176_private_key_base64_pem::DETECTOR,
    &sec177_cloudflare_prefixed_token::DETECTOR,
    &sec178_docker_swarm_join_token::DETECTOR,
    &sec179_docker_swarm_unlock_key::DETECTOR,
    &sec180_bitbucket_data_center_token::DETECTOR,
    &sec181_gitlab_other_token::DETECTOR,
    &sec182_gitlab_session_cookie::DETECTOR,
    &sec183_brevo_api_key::DETECTOR,
    &sec184_sql_password::DETECTOR,
    &sec185_command_line_secret::DETECTOR,
    &sec186_powershell_secure_string::DETECTOR,
    &sec187_libcurl_option_secret::DETECTOR,
    &sec188_posthog_api_key::DETECTOR,
    &sec189_json_web_key_private::DETECTOR,
    &sec190_generic_secret_assignment::DETECTOR,
    &sec191_salesforce_token::DETECTOR,
    &sec192_together_ai_key::DETECTOR,
    &sec193_tavily_api_key::DETECTOR,
    &sec194_llamacloud_api_key::DETECTOR,
    &sec195_x_bearer_token::DETECTOR,
    &sec196_instagram_access_token::DETECTOR,
    &sec197_nats_nkey_seed::DETECTOR,
    &sec198_dropbox_long_lived_token::DETECTOR,
    &sec199_ntlm_authenticate_message::DETECTOR,
    &sec211_discord_bot_token_shape::DETECTOR,
    // CredSweeper-corpus providers and formats.
    &sec220_akamai_edgegrid_token::DETECTOR,
    &sec221_deepseek_api_key::DETECTOR,
    &sec222_wundergraph_cosmo_api_key::DETECTOR,
    &sec223_azure_identifiable_api_key::DETECTOR,
    &sec224_github_app_installation_jwt_token::DETECTOR,
    &sec225_secret_environment_fallback::DETECTOR,
    &sec226_xml_element_secret::DETECTOR,
    &sec227_private_key_inside_base64_document::DETECTOR,
    &sec228_json_web_key_inside_base64::DETECTOR,
    &sec229_google_oauth_legacy_client_secret::DETECTOR,
    &sec230_der_private_key_base64::DETECTOR,
    &sec231_otp_seed::DETECTOR,
];
